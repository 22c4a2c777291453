"""Network figures (issue 13): the network's statistics for a period, as a map of Chiang
Rai's districts and as tables, and the statistics files that carry them between partners."""
