"""The Process Factory web application (Django): the training registry and the programme dashboard.

Apps: ``registry`` (factories, trainers, enterprises, participants, trainings, certificates,
feedback, programme targets, API tokens) and ``dashboard`` (programme KPIs against targets).
The web layer uses the core packages; the core never imports Django.
"""
