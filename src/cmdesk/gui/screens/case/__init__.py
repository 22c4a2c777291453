"""The case workspace: one case and its child, every stage's forms, notes, consent, referrals."""
