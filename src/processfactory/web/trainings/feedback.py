"""The attendee's feedback form: a public, signed link; one answer per attendee."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from processfactory.web.registry import services
from processfactory.web.registry.models import Feedback
from processfactory.web.registry.services import RegistryError
from processfactory.web.trainings.forms import FeedbackForm
from processfactory.web.trainings.links import BadFeedbackLink, registration_for_feedback


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """ "How likely are you to recommend it?" 0–10 and a comment (``services.record_feedback``).

    The link accepts one answer: a second one is refused, not silently replacing the first.
    """
    try:
        registration = registration_for_feedback(token)
    except BadFeedbackLink:
        return render(request, "trainings/feedback.html", {"state": "invalid"}, status=400)
    context = {"registration": registration, "training": registration.training}
    if Feedback.objects.filter(registration=registration).exists():
        status = 409 if request.method == "POST" else 200
        return render(
            request, "trainings/feedback.html", {**context, "state": "done"}, status=status
        )
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_feedback(
                registration, form.cleaned_data["score"], form.cleaned_data["comment"].strip()
            )
        except RegistryError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "trainings/feedback.html", {**context, "state": "thanks"})
    status = 400 if form.errors else 200
    return render(request, "trainings/feedback.html", {**context, "form": form}, status=status)
