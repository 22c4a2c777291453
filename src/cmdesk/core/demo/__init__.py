"""Generated demo data. Only made-up people: never load real records into a demo vault.

names   given, family and nick names in Thai script and Latin, by ethnic group
places  villages in real Chiang Rai subdistricts
people  people with fitting identity documents and phones; children with caregivers
"""
