"""The database health report (`manage.py dbhealth`, the admin page, the daily beat job); see docs/dbhealth.md."""
