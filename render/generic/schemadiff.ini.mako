# schemadiff configuration: one database, one migration environment.

[schemadiff]
# Where the migration environment lives. %(here)s is this file's directory.
script_location = ${script_location}

# Name pattern of new revision files (percent signs are doubled in ini files).
# Tokens: rev, slug, epoch, year, month, day, hour, minute, second.
# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s
# A "/" in the template makes subfolders; it needs recursive_version_locations = true.
# file_template = %%(year)d/%%(month).2d/%%(rev)s_%%(slug)s

# Paths put in front of sys.path before env.py runs (split on path_separator);
# %(here)s (this file's directory) lets "-c path/to/schemadiff.ini" work from anywhere.
prepend_sys_path = %(here)s

# Time zone (a zoneinfo name) for the date in new files; blank means local time.
# timezone =

# Longest slug taken from the message for file names.
# truncate_slug_length = 40

# Run env.py on every 'revision', not only with --autogenerate.
# revision_environment = false

# Accept .pyc files without their source as revisions.
# sourceless = false

# Version folders (default: <script_location>/versions). A revision that starts a
# new base in one of several folders needs --version-path.
# version_locations = %(here)s/bar:%(here)s/bat:${script_location}/versions

# Separator of the list options above: os (os.pathsep), :, ;, space or newline.
path_separator = os

# Look for revision files in subfolders of each version folder.
# recursive_version_locations = false

# Encoding of new revision files.
# output_encoding = utf-8

# The database. env.py reads it; the tool itself does not.
sqlalchemy.url = sqlite:///%(here)s/app.db

# Name (and schema) of the table that records the applied revisions.
# version_table = schemadiff_version
# version_table_schema =


[post_write_hooks]
# Programs run on every new revision file. black keeps generated code tidy.
hooks = black
black.type = console_scripts
black.entrypoint = black
black.options = -q REVISION_SCRIPT_FILENAME

# Other runners: "exec" runs a program from PATH, "module" runs python -m MODULE.
# hooks = ruff
# ruff.type = exec
# ruff.executable = ruff
# ruff.options = check --fix REVISION_SCRIPT_FILENAME


# Logging, used by env.py's fileConfig() call.
[loggers]
keys = root,sqlalchemy,schemadiff

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_schemadiff]
level = INFO
handlers =
qualname = schemadiff

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
