"""Who is acting, and on what terms: the signed-in user and their transactions (context), what
they may see and do (access, case_actions), the audit trail they leave (audit), the stamps on
what they write (stamping), what a change touched (changes), and Thailand's today (thai_time).

Below services, sync, search and reports, which all build on it; it imports only the model.
"""
