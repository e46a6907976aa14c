"""The training registry: factories, trainers, enterprises, participants, trainings and what
follows a training day (attendance, certificates, feedback), plus programme targets and API tokens.

Rules live in ``services`` (what may happen to a training) and ``permissions`` (who may see and
do what); views and the API call them and hold no rules of their own.
"""
