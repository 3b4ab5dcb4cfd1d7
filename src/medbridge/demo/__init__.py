"""Demo data: the institutions and people of the five BRIEF programmes, with
invented person names, and the demo accounts. Later domain areas add their own
modules here (programmes, postings, clinics …) and ``seed`` calls them in order."""
