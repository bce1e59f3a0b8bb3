# Retention policies, backup and purge runs arrive with the retention issue; the app is wired in now
# so that its migrations, tasks and commands have a home from the start.
