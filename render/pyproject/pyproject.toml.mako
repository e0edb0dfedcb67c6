[tool.schemadiff]
# Where the migration environment lives. %(here)s is this file's directory.
script_location = "${script_location}"

# Name pattern of new revision files (percent signs are doubled, as in the ini).
# file_template = "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s"

# Paths put in front of sys.path before env.py runs; %(here)s (this file's
# directory) makes the models importable whichever directory you run from.
prepend_sys_path = [
    "%(here)s",
]

# Time zone (a zoneinfo name) for the date in new files; unset means local time.
# timezone = "UTC"

# Longest slug taken from the message for file names.
# truncate_slug_length = 40

# Run env.py on every 'revision', not only with --autogenerate.
# revision_environment = false

# Accept .pyc files without their source as revisions.
# sourceless = false

# Version folders (default: <script_location>/versions).
# version_locations = [
#     "%(here)s/migrations/versions",
#     "%(here)s/other/versions",
# ]

# Look for revision files in subfolders of each version folder.
# recursive_version_locations = false

# Encoding of new revision files.
# output_encoding = "utf-8"

# Programs run on every new revision file. black keeps generated code tidy.
[[tool.schemadiff.post_write_hooks]]
name = "black"
type = "console_scripts"
entrypoint = "black"
options = "-q REVISION_SCRIPT_FILENAME"
