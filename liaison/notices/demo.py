def build_demo_notices(organization) -> int:
    return 0
