"""Spreadsheet imports of outreach events, one step per module:

reading   read the table once (CSV or XLSX, ragged ledgers) → Table
cells     parse each messy cell → clean values
resource  validate rows and upsert events (django-import-export)
service   the flow: validate all, then save all or nothing; stored uploads; background jobs
views     the admin screen (upload → preview → confirm; a background job's page)
tasks     the Celery tasks (thin)
"""
