"""Every user-facing sentence, one module per kind: notices, commands, failures.

Each goes through the catalogs with named placeholders; numbers go through Babel.
"""
