"""PDF documents (reportlab): Thai and English, shaped, redacted by level, marked confidential."""
