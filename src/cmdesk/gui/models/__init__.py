"""Qt item models over core queries (paged; never a widget per row)."""
