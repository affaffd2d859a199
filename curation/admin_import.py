"""The admin's "Import document" page (/admin/articles/article/import/): the editor's door to the
import pipeline (curation.importing), beside the API's and `manage.py import_document`.

Paste the document or upload it, choose the outlet or name a new one, and Preview: the page shows
what the import would save (title, summary, date, byline, body), every line the cleaner removed with
the rule that removed it, the near copy it would link and the mentions it suggests. Import saves it,
with the chosen suggestions as mentions, and opens the new article.
"""

import base64
import binascii

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.models import Outlet

from . import importing

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    upload = forms.FileField(
        required=False,
        label="Upload a file",
        help_text="A .txt or .html file as it was saved; its name becomes the source document's.",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "spellcheck": "false"}),
        label="Or paste the document",
        help_text="Plain text as scraped, or an HTML page. It is kept exactly as given, as the source text.",
    )
    # A previewed upload rides along, base64-encoded, so Import saves its exact bytes: as textarea
    # text the browser would send its line breaks back as \r\n.
    uploaded = forms.CharField(required=False, widget=forms.HiddenInput)
    source_document = forms.CharField(
        required=False,
        max_length=255,
        help_text="A unique name for the document, e.g. ledger-2026-02-04.txt. An upload's file name by default.",
    )
    outlet = forms.ModelChoiceField(Outlet.objects.order_by("name"), required=False)
    new_outlet = forms.CharField(
        required=False, max_length=200, label="Or a new outlet", help_text="Its name; the outlet is created."
    )
    title = forms.CharField(required=False, max_length=500, help_text="Only where the first line is not the title.")
    summary = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 100}),
        help_text="The paragraph that is the dek, where the cleaner does not find it; it leaves the body.",
    )
    accept_known = forms.BooleanField(
        required=False, initial=True, label="Add the suggested mentions of people already in the corpus"
    )
    create_people = forms.BooleanField(
        required=False, label="Also create the suggested people not yet in the corpus, and their mentions"
    )

    def __init__(self, *args, may_add_outlet=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_add_outlet:
            del self.fields["new_outlet"]
        self.may_add_outlet = may_add_outlet

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is {upload.size:,} bytes; at most {MAX_UPLOAD_BYTES:,}.")
        try:
            self.cleaned_data["uploaded_text"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                f"{upload.name} is not UTF-8 text (byte {error.start}); save it as UTF-8 and upload it again."
            ) from error
        return upload

    def clean_uploaded(self):
        carried = self.cleaned_data["uploaded"]
        if not carried:
            return ""
        try:
            return base64.b64decode(carried, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise forms.ValidationError("The previewed file did not come back intact; upload it again.") from error

    def clean_text(self):
        # A textarea's line breaks arrive as \r\n whatever was pasted: the browser's doing, not the document's.
        return self.cleaned_data["text"].replace("\r\n", "\n")

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("upload"), data.get("text") or ""
        if upload is None and data.get("uploaded") and not pasted.strip():
            data["uploaded_text"], upload = data["uploaded"], True
        if upload is not None and pasted.strip():
            self.add_error("text", "Upload a file or paste the text, not both.")
        elif upload is not None:
            data["text"] = data.pop("uploaded_text", "")
            data["from_upload"] = True
            data["source_document"] = data.get("source_document") or upload.name
        elif not pasted.strip() and "upload" not in self.errors:
            self.add_error("text", "Paste the document or upload a file.")
        if not data.get("source_document") and "text" not in self.errors and "upload" not in self.errors:
            self.add_error("source_document", "Name the document; the name must be unique in the corpus.")
        if data.get("outlet") and data.get("new_outlet"):
            self.add_error("new_outlet", "Choose an outlet or name a new one, not both.")
        if data.get("create_people") and not data.get("accept_known"):
            data["accept_known"] = True  # creating people means adding their mentions, and the known ones too
        return data


def import_view(model_admin, request):
    """The page; `model_admin` is the ArticleAdmin it hangs from (its permissions and context)."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    may_add_outlet = request.user.has_perm("articles.add_outlet")
    form = ImportForm(request.POST or None, request.FILES or None, may_add_outlet=may_add_outlet)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saving = "_import" in request.POST
        try:
            result = importing.run(
                data["text"],
                data["source_document"],
                outlet=data.get("outlet"),
                new_outlet=data.get("new_outlet") or None,
                title=data.get("title") or None,
                summary=data.get("summary") or None,
                dry_run=not saving,
                change_reason=f"Imported from {data['source_document']} in the admin",
                represent=lambda result: _preview(result) if not saving else None,
            )
        except importing.ImportRefused as refused:
            for key, message in refused.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            if saving:
                return _saved(model_admin, request, result, data)
            preview = result.represented
            # The upload comes back in the form, so "Import" after "Preview" needs no second upload.
            carried = {"source_document": data["source_document"]}
            if data.get("from_upload"):
                carried["uploaded"] = base64.b64encode(data["text"].encode("utf-8")).decode("ascii")
            form = ImportForm({**request.POST.dict(), **carried}, may_add_outlet=may_add_outlet)
            form.is_valid()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import document",
        "opts": model_admin.model._meta,
        "form": form,
        "preview": preview,
        "has_view_permission": model_admin.has_view_permission(request),
        "carried_upload": form.is_bound and bool(form.data.get("uploaded")),
    }
    return TemplateResponse(request, "admin/articles/article/import.html", context)


def _preview(result: importing.Imported) -> dict:
    article, cleaned = result.article, result.cleaned
    return {
        "format": result.format,
        "title": article.title,
        "summary": article.summary,
        "byline": article.byline,
        "authors": cleaned.authors,
        "published": article.published,
        "published_precision": article.published_precision,
        "published_time": article.published_time,
        "outlet": article.outlet.name if article.outlet else None,
        "body": article.body,
        "caption": article.caption,
        "word_count": article.word_count,
        "removed": cleaned.removed,
        "duplicate": result.syndication,
        "suggestions": [
            {
                "describe": s.describe(),
                "kind": s.get_kind_display(),
                "field": s.field,
                "quote": s.quote,
                "score": s.score,
                "new_person": s.kind == "person_mention" and not s.target.get("person"),
            }
            for s in result.suggestions
        ],
    }


def _saved(model_admin, request, result: importing.Imported, data) -> HttpResponseRedirect:
    article = result.article
    accepted = 0
    if data.get("accept_known") and model_admin.has_change_permission(request, article):
        accepted = importing.accept_people(
            result,
            request.user,
            create_people=bool(data.get("create_people")) and request.user.has_perm("articles.add_person"),
        )
    said = [f"Imported “{article.title}” from {article.source_document}."]
    if result.syndication:
        found = result.syndication
        relation = "a copy of" if found["relation"] == "copy_of" else "the original of"
        said.append(
            f"It is {relation} article {found['article']} (containment {found['containment']:.2f}), and is linked."
        )
    left = len(result.suggestions) - accepted
    said.append(f"{accepted} suggested mention(s) added" + (f", {left} left for you to review." if left else "."))
    model_admin.message_user(request, " ".join(said), messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
