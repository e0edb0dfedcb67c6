# schemadiff configuration: several databases migrated together.

[schemadiff]
# Where the migration environment lives. %(here)s is this file's directory.
script_location = ${script_location}

# Paths put in front of sys.path before env.py runs (split on path_separator);
# %(here)s (this file's directory) lets "-c path/to/schemadiff.ini" work from anywhere.
prepend_sys_path = %(here)s

# Separator of list options: os (os.pathsep), :, ;, space or newline.
path_separator = os

# The databases, each with a section of the same name below.
databases = engine1, engine2

[engine1]
sqlalchemy.url = sqlite:///%(here)s/engine1.db

[engine2]
sqlalchemy.url = sqlite:///%(here)s/engine2.db


[post_write_hooks]
# Programs run on every new revision file. black keeps generated code tidy.
hooks = black
black.type = console_scripts
black.entrypoint = black
black.options = -q REVISION_SCRIPT_FILENAME


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
