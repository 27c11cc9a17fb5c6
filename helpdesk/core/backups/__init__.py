"""Backups made by the program itself: one checked, compressed file per run, kept by a retention rule.

`archive` writes and reads the file (database, uploads, secret key, manifest), `engines` copies the
database (SQLite's online backup API, or pg_dump), `retention` decides which files stay, `runs` makes a
backup and records the result, `restore` puts one back, `schedule` holds what admins set in the panel.
"""
