"""Every upload (matters, notices, communication) is checked by its bytes: the content
must be of its extension's family; text formats must read as text. Tiny real files are
built here, as the tools that write them would."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from liaison.core.errors import InvalidInput
from liaison.matters.services.attachments import checked_upload_name, size_limit_attrs

#: The start of a Windows program (MZ header, DOS stub).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def ooxml(part: str) -> bytes:
    """An Office Open XML package (docx: word/, xlsx: xl/), as Word and Excel zip it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("会议纪要.pdf", PDF),
        ("现场.png", PNG),
        ("整改方案.docx", ooxml("word/document.xml")),
        ("排班表.xlsx", ooxml("xl/workbook.xml")),
        ("说明.txt", "叫号系统说明\n".encode()),
        ("名单.csv", "姓名,科室\n张三,药剂科\n".encode("gb18030")),
    ],
)
def test_real_files_are_accepted(name, content):
    assert checked_upload_name(upload(name, content)) == name


def test_a_program_renamed_as_a_pdf_is_refused_saying_why():
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        checked_upload_name(upload("report.pdf", EXE))
    assert refused.value.message == (
        "report.pdf is not really a .pdf file: its content is of another type."
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("现场.png", PDF), ("整改方案.docx", PDF), ("名单.csv", EXE), ("说明.txt", PNG)],
)
def test_content_of_another_family_is_refused(name, content):
    with translation.override("en"), pytest.raises(InvalidInput, match="not really a"):
        checked_upload_name(upload(name, content))


def test_the_file_is_read_again_from_its_start_after_the_check():
    file = upload("会议纪要.pdf", PDF)
    checked_upload_name(file)
    assert file.read() == PDF


def test_the_browser_is_given_the_servers_limit(settings):
    settings.MATTER_ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    with translation.override("en"):
        attrs = size_limit_attrs()
    assert attrs["data-max-bytes"] == str(3 * 1024 * 1024)
    assert attrs["data-too-large"] == "{name} is too large: at most 3 MB."
