"""Planning pages: matching rounds (``rounds``) and schedule plans (``plans``)."""
