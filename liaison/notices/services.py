def sweep(now) -> dict:
    return {}
