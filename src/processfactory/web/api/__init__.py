"""The JSON API (django-ninja) for integrations: factories, trainings, participants, dashboard."""
