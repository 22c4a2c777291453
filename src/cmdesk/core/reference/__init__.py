"""Reference data: fixed lists and rules the whole app shares.

identity       identity document types; 13-digit and G-code validation
geography      provinces, districts, subdistricts (GeoThai, CC-BY-4.0)
ethnicity      self-identified ethnic groups, searchable by old names
partners       the Chiang Rai network's organisations and their services
relationships  how a caregiver is related to a child
"""
