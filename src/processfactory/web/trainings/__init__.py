"""Trainings: scheduling, registration and waitlist, attendance, certificates, feedback."""
