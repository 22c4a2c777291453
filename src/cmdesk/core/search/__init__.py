"""Finding children and cases: a full-text index inside the encrypted vault, and the caseload.

schema   the index's tables and the triggers that keep it in step with the records
index    what erasure calls so an erased child leaves nothing in the index
query    turning what a worker types into index queries (Thai, Latin, numbers, short text)
plans    which case ids make up one page, read from covering indexes or the newest matches
service  paged caseload and child lists, filtered and limited to what the user may see

Importing this package stays cheap and imports no services: cmdesk.core.model imports
`schema` so that every fresh vault gets the index.
"""
