"""Date formats per language (FORMAT_MODULE_PATH): Chinese as official documents write
them, English in a readable day-month-year style rather than Django's US default."""
