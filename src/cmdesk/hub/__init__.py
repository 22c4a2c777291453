"""cmdesk-hub: a store-and-forward mailbox for sealed, signed bundles.

The hub holds bundles addressed to an organisation, never a key that opens them. It parses only
a bundle's clear header (bundle_format) and checks the sender's certificate chain and signature
before a bundle becomes visible to its recipient. It imports the core, never the GUI.
"""
