from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401
