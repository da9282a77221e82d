def build_demo_communication(organization) -> int:
    return 0
