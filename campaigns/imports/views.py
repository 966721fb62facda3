"""The admin's spreadsheet import: upload, preview every row's problems, then confirm."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages

from .. import permissions
from ..models import EventStatus, ImportJob
from . import service, tasks, template
from .reading import UnreadableFile

SESSION_KEY = "campaigns_pending_import"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if some rows are invalid"), required=False
    )
    allow_duplicates = forms.BooleanField(
        label=_("Import possible duplicates too"),
        help_text=_(
            "A row with a new id at a campaign, day and venue that already has an event is "
            "held back as a possible duplicate unless this is ticked."
        ),
        required=False,
    )


def import_view(request):
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    if request.GET.get("template"):
        return _template(request, request.GET["template"])
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "page_title": _("Import outreach events")}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > service.MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 50 MB; split it."))
            return TemplateResponse(request, "campaigns/admin/import.html", context)
        content = upload.read()
        try:
            table = service.read_upload(content, upload.name)  # read once, used twice
        except UnreadableFile as error:
            form.add_error("file", str(error))
            return TemplateResponse(request, "campaigns/admin/import.html", context)
        if len(table) > service.INLINE_IMPORT_MAX_ROWS:
            job = tasks.queue_import(
                content=content,
                filename=upload.name,
                user=request.user,
                skip_invalid=form.cleaned_data["skip_invalid"],
                allow_duplicates=form.cleaned_data["allow_duplicates"],
                rows=len(table),
            )
            return redirect("campaigns_events:import_job", job.pk)
        report = service.import_table(
            table,
            filename=upload.name,
            user=request.user,
            dry_run=True,
            allow_duplicates=form.cleaned_data["allow_duplicates"],
        )
        token = service.store_preview(content)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "skip_invalid": form.cleaned_data["skip_invalid"],
            "allow_duplicates": form.cleaned_data["allow_duplicates"],
        }
        context.update(
            report=report,
            filename=upload.name,
            can_confirm=report.ok or form.cleaned_data["skip_invalid"],
        )
    return TemplateResponse(request, "campaigns/admin/import.html", context)


def _confirm(request):
    pending = request.session.pop(SESSION_KEY, None)
    content = service.take_preview(pending["token"]) if pending else None
    if content is None:
        messages.error(request, _("That upload has expired; please upload the file again."))
        return redirect("campaigns_events:import")
    report, batch = service.import_batch(
        content=content,
        filename=pending["name"],
        user=request.user,
        skip_invalid=pending["skip_invalid"],
        allow_duplicates=pending.get("allow_duplicates", False),
    )
    if batch is not None:
        messages.success(
            request,
            _(
                "Imported %(new)s new and %(updated)s updated events (%(unchanged)s unchanged, "
                "%(invalid)s invalid rows left out)."
            )
            % {
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "invalid": report.invalid,
            },
        )
        return redirect("campaigns_events:import_job", batch.pk)
    messages.error(request, _("Nothing was imported: the file has invalid rows."))
    return redirect("campaigns_events:import")


def _template(request, kind: str):
    """The template (campaigns.imports.template), offering the user's campaigns and teams."""
    user = request.user
    if kind == "xlsx":
        content = template.template_xlsx(
            campaigns=permissions.visible_campaigns(user), teams=permissions.visible_teams(user)
        )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="outreach-template.xlsx"'
        return response
    response = HttpResponse(template.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outreach-template.csv"'
    return response


def _visible_job(request, pk):
    """An import the user uploaded, or one holding events of their teams (a lead reviews
    the batch a coordinator imported); any for managers. Else 404, whatever the id."""
    user = request.user
    if not permissions.has_campaign_role(user):
        raise PermissionDenied
    jobs = ImportJob.objects.all()
    if not permissions.is_manager(user):
        theirs = permissions.visible_events(user).filter(import_batch=OuterRef("pk"))
        jobs = jobs.filter(Q(user=user) | Exists(theirs))
    return get_object_or_404(jobs, pk=pk)


def batch_figures(user, job) -> dict[str, int]:
    """How many of the import's events the user can see are in each status (one query)."""
    counts = dict(
        permissions.visible_events(user)
        .filter(import_batch=job)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "drafts": counts.get(EventStatus.DRAFT, 0),
        "submitted": counts.get(EventStatus.SUBMITTED, 0),
        "approved": counts.get(EventStatus.APPROVED, 0),
        "returned": counts.get(EventStatus.RETURNED, 0),
    }


def batch_links(request, job, figures: dict[str, int]) -> dict[str, str]:
    """After an import: submit its drafts (the events list's bulk action, on exactly this
    import's drafts the user can see; it reports each one it cannot submit), and, for whoever
    reviews, the list of its submitted events to approve or return together."""
    here = reverse("campaigns_events:import_job", args=[job.pk])
    links = {}
    if figures["drafts"]:
        submit = reverse("wagtail_bulk_action", args=["campaigns", "outreachevent", "submit"])
        query = {"id": "all", "import_batch": job.pk, "status": EventStatus.DRAFT, "next": here}
        links["submit"] = f"{submit}?{urlencode(query)}"
    user = request.user
    if figures["submitted"] and (permissions.is_manager(user) or permissions.led_team_ids(user)):
        query = {"import_batch": job.pk, "status": EventStatus.SUBMITTED}
        links["review"] = f"{reverse('campaigns_events:index')}?{urlencode(query)}"
    return links


def import_job_view(request, pk):
    """Progress and outcome of a background import; POST sends a waiting one again."""
    job = _visible_job(request, pk)
    if request.method == "POST":
        if job.waiting_for_queue and tasks.send_import_job(job.pk):
            messages.success(request, _("The import was handed to the task queue."))
        elif job.waiting_for_queue:
            messages.error(request, _("The task queue is still unreachable; try again later."))
        return redirect("campaigns_events:import_job", job.pk)
    figures = batch_figures(request.user, job)
    return TemplateResponse(
        request,
        "campaigns/admin/import_job.html",
        {
            "job": job,
            "batch": figures,
            "batch_links": batch_links(request, job, figures),
            # the row-by-row report may name other teams' rows: the uploader's and managers'
            "show_report": job.user_id == request.user.pk or permissions.is_manager(request.user),
            "progress": service.import_progress(job),
            "page_title": _("Import of %(name)s") % {"name": job.filename},
            "finished": job.status in ("done", "failed"),
        },
    )
