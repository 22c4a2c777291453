"""Network statistics: figures an organisation may share without a single child's record
(counts by place, concern, risk, stage, age, sex; referral times), with small cells
suppressed, sealed for the organisation that compiles the network's figures, and combined
there with every partner's."""
