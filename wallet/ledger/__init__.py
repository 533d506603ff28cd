"""The double-entry ledger: accounts, postings, balances, the chart and the audit chain."""
