"""Pinyin keys for Chinese search: typing `xxk` or `xinxi` finds 信息科."""

from pypinyin import Style, lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of text, lower-case, without spaces or tones.

    Heteronyms take pypinyin's most common reading; non-Chinese characters pass through.
    """
    text = (text or "").strip()
    full = "".join(lazy_pinyin(text, errors=lambda chars: list(chars))).lower()
    initials = "".join(
        lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    ).lower()
    return full.replace(" ", ""), initials.replace(" ", "")
