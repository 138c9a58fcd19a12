"""Training as staff use it: the index, modules, lessons, checks, videos, the rules, certificates.

The pages route here (`models`). Each view parses the request, calls one service or selector,
and renders. htmx requests get a named partial of the same template; every form also works as
a plain post without JavaScript (post, then redirect to the page with a message).
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal import bad_input, media_serving
from portal.pdf import pdf_from_template
from portal.people.services import staff_of_request as _staff

from . import captions, certificate_selectors, codes, selectors
from .models import LessonPage, ModulePage, PolicyPage, TrainingIndexPage, Video
from .services import NotInLesson, TrainingError, checks, lessons, videos
from .services import policy as policy_services
from .services.checks import CheckInvalid, CheckLocked

MAX_PROGRESS_BYTES = 32 * 1024
NOT_IN_DIRECTORY = (
    "Your account is not in the staff directory yet, so your progress cannot be saved. "
    "Ask a community manager to add you."
)


@require_GET
def training_index(request, *, index: TrainingIndexPage):
    context = selectors.training_overview(staff=_staff(request), index=index, request=request)
    return TemplateResponse(
        request, "training/training_index_page.html", {"page": index, **context}
    )


@require_GET
def module(request, *, module: ModulePage):
    staff = _staff(request)
    state = selectors.modules_state(staff=staff, modules=[module], request=request)[0]
    index = TrainingIndexPage.objects.ancestor_of(module).first()
    return TemplateResponse(
        request,
        "training/module_page.html",
        {"page": module, "state": state, "index_url": index.get_url(request) if index else ""},
    )


@require_GET
def lesson(request, *, lesson: LessonPage):
    """The lesson; with htmx and `?part=completion`, just its completion section (the player
    asks for it when a video has been watched, `&watched=<block id>`: the checks after that
    video, which it kept shut, come along to open)."""
    if request.htmx and request.GET.get("part") == "completion":
        template = "training/lesson_page.html#completion_response"
        response = _lesson_page(
            request, lesson, template=template, watched=request.GET.get("watched", "")
        )
    else:
        response = _lesson_page(request, lesson)
    response["Vary"] = "HX-Request"
    return response


def _lesson_page(request, lesson, *, template="training/lesson_page.html", status=200, **extra):
    staff = _staff(request)
    view = selectors.lesson_view(staff=staff, lesson=lesson, request=request)
    context = {"page": lesson, "view": view, "not_in_directory": staff is None, **extra}
    if extra.get("watched"):
        context["unlocked"] = view.checks_after(extra["watched"])
    if view is not None and "check_block_id" in extra:
        item = view.item(extra["check_block_id"])
        if item is not None and item.check is not None and extra.get("check_kept"):
            item.questions = selectors.check_questions(item.block.value, extra["check_kept"])
        context["check_item"] = item
    return TemplateResponse(request, template, context, status=status)


@require_POST
def lesson_complete(request, *, lesson: LessonPage):
    staff = _staff(request)
    error = NOT_IN_DIRECTORY if staff is None else ""
    if staff is not None:
        try:
            lessons.lesson_complete(staff=staff, lesson=lesson)
        except TrainingError as refusal:
            error = str(refusal)
    if request.htmx:
        return _lesson_page(
            request,
            lesson,
            template="training/lesson_page.html#completion",
            status=409 if error else 200,
            completion_error=error,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"“{lesson.title}” is complete.")
    return redirect(lesson.get_url(request) + "#completion")


@require_POST
def check_submit(request, *, lesson: LessonPage, block_id: str):
    """Score a knowledge check. A blank question answers 400 with the choices kept."""
    staff = _staff(request)
    if staff is None:
        messages.error(request, NOT_IN_DIRECTORY)
        return redirect(lesson.get_url(request))
    answers = _answers(request.POST)
    try:
        attempt = int(request.POST.get("attempt", ""))
    except ValueError:
        return HttpResponseBadRequest("The form is missing its attempt number; reload the page.")
    error, status, kept, invalid_question, locked = "", 200, {}, None, False
    try:
        checks.check_submit(
            staff=staff, lesson=lesson, block_id=block_id, answers=answers, attempt=attempt
        )
    except NotInLesson:
        raise Http404("This check is not part of the lesson.") from None
    except CheckInvalid as invalid:
        error, status, kept, invalid_question = str(invalid), 400, answers, invalid.question
    except CheckLocked as refusal:  # taken before the session it tests: what to watch first
        error, status, locked = str(refusal), 409, True
    except TrainingError as refusal:
        error, status = str(refusal), 409
    shown = {
        "check_block_id": block_id,
        "check_error": error,
        "check_kept": kept,
        "check_invalid_question": invalid_question,
    }
    if request.htmx:
        template = "training/lesson_page.html#check_response"
        return _lesson_page(request, lesson, template=template, status=status, **shown)
    if status == 400 or locked:  # the whole page again: what they chose, or what comes first
        return _lesson_page(request, lesson, status=status, **shown)
    if error:
        messages.error(request, error)
    return redirect(f"{lesson.get_url(request)}#check-{block_id}")


def _answers(post) -> dict[int, list[int]]:
    """q0=1, q2=0, q2=3 -> {0: [1], 2: [0, 3]}; anything unparseable is ignored."""
    answers: dict[int, list[int]] = {}
    for key in post:
        if not key.startswith("q") or not key[1:].isdigit() or len(key) > 4:
            continue
        values = [int(v) for v in post.getlist(key) if v.isdigit() and len(v) <= 3]
        if values:
            answers[int(key[1:])] = values
    return answers


@require_POST
def video_progress(request, *, lesson: LessonPage, block_id: str):
    """The player's report of what was played: {"played": [[start, end], ...], "position": s}."""
    staff = _staff(request)
    if staff is None:
        return JsonResponse({"error": NOT_IN_DIRECTORY}, status=403)
    try:
        report = bad_input.json_body(request, max_bytes=MAX_PROGRESS_BYTES)
        played, position = report["played"], report.get("position", 0)
    except bad_input.BadInput as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    except (TypeError, KeyError):
        return JsonResponse(
            {"error": "The progress report has no list of played parts."}, status=400
        )
    try:
        progress = videos.video_progress_record(
            staff=staff, lesson=lesson, block_id=block_id, played=played, position=position
        )
    except NotInLesson:
        raise Http404("This video is not part of the lesson.") from None
    except TrainingError as refusal:
        return JsonResponse({"error": str(refusal)}, status=409)
    duration = progress.video.duration or 1
    return JsonResponse(
        {
            "percent": min(100, int(100 * progress.played_seconds / duration)),
            "watched": progress.watched_at is not None,
            "position": progress.position,
        }
    )


@require_GET
def video_file(request, pk: int, kind: str):
    """A training video or its captions, to signed-in people only (the middleware sees to
    that): a presigned redirect from a bucket, nginx's X-Accel-Redirect from the local disk, or
    the bytes with ranges on the development server (`portal.media_serving`)."""
    video = get_object_or_404(Video, pk=pk)
    if kind == "video" and video.file:
        storage = video.file.storage
        return media_serving.stored_file_response(
            request,
            storage,
            video.file.name,
            content_type=video.content_type,
            expire=media_serving.playing_expiry(storage, video.duration),
        )
    if kind == "captions" and video.captions:
        return media_serving.small_file_response(
            request,
            video.captions.storage,
            video.captions.name,
            content_type="text/vtt; charset=utf-8",
            max_bytes=captions.MAX_BYTES,
        )
    raise Http404("No such file.")


@require_GET
def policy(request, *, policy: PolicyPage):
    staff = _staff(request)
    status = selectors.policy_status(staff=staff, policy=policy) if staff else None
    return TemplateResponse(
        request,
        "training/policy_page.html",
        {"page": policy, "status": status, "not_in_directory": staff is None},
    )


@require_POST
def policy_acknowledge(request, *, policy: PolicyPage):
    staff = _staff(request)
    if staff is None:
        messages.error(request, NOT_IN_DIRECTORY)
        return redirect(policy.get_url(request))
    policy_services.policy_acknowledge(staff=staff, policy=policy)
    if request.htmx:
        status = selectors.policy_status(staff=staff, policy=policy)
        return TemplateResponse(
            request,
            "training/policy_page.html#acknowledgement",
            {"page": policy, "status": status},
        )
    messages.success(request, "Thank you: you acknowledged the rules of engagement.")
    return redirect(policy.get_url(request))


@require_GET
def certificates_mine(request):
    """Every certificate of the signed-in person, with its download and its public check."""
    staff = _staff(request)
    return TemplateResponse(
        request,
        "training/certificates_mine.html",
        {
            "certificates": certificate_selectors.certificates_of(staff=staff) if staff else [],
            "not_in_directory": staff is None,
            "index_url": selectors.training_index_url(),
        },
    )


@require_GET
def certificate_pdf(request, code: str):
    """The certificate as a PDF, for the person it was issued to (404 for anyone else)."""
    certificate = certificate_selectors.certificate_find(code=code)
    staff = _staff(request)
    if certificate is None or staff is None or certificate.staff_id != staff.pk:
        raise Http404("No certificate of yours has this code.")
    verify_url = request.build_absolute_uri(reverse("certificate_verify", args=[certificate.code]))
    pdf = pdf_from_template(
        template_name="training/pdf/certificate.html",
        context={
            "certificate": certificate,
            "code": codes.code_display(certificate.code),
            "verify_url": verify_url,
            "portal_name": settings.PORTAL_NAME,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"certificate-{certificate.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def certificate_verify(request, code: str = ""):
    """Public: whether a certificate code is real, with the name, module and date. Nothing else."""
    typed = request.GET.get("code", "")
    if not code and typed:
        return redirect("certificate_verify", code=codes.code_normal(typed) or "-")
    certificate = certificate_selectors.certificate_find(code=code) if code else None
    status = 404 if code and certificate is None else 200
    return TemplateResponse(
        request,
        "training/certificate_verify.html",
        {
            "certificate": certificate,
            "code": codes.code_display(certificate.code) if certificate else code,
            "searched": bool(code),
        },
        status=status,
    )
