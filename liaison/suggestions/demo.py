def build_demo_suggestions(organization) -> int:
    return 0
