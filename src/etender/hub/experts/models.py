"""The provincial comprehensive evaluation expert pool (综合评标专家库) and its verifiable draws.

Field names follow national data set 212 (评标专家基本信息); one 212 record per expert and specialty
(MAJOR_CODE / IS_MAIN).  Identity and contact data are secret: only pool administrators (permission
``experts.manage_pool``) read them, and every such reading is logged (ExpertAccess + the operation log).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Expert(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        RETIRED = "retired", _("retired")

    class TitleLevel(models.TextChoices):
        FULL_SENIOR = "full_senior", _("full senior title (正高级)")
        SENIOR = "senior", _("senior title (副高级)")
        EQUIVALENT = "equivalent", _("equivalent professional level (同等专业水平)")
        INTERMEDIATE = "intermediate", _("intermediate title")
        NONE = "none", _("no title")

    ref = models.CharField(_("pseudonymous reference"), max_length=20, unique=True)
    id_card = models.CharField(_("identity document number"), max_length=18, unique=True)
    id_card_type = models.CharField(_("identity document type"), max_length=2, default="01")
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=[("1", _("male")), ("2", _("female"))])
    birthday = models.DateField(_("date of birth"))
    duty = models.CharField(_("position"), max_length=50, blank=True)
    education = models.CharField(_("highest education"), max_length=50)
    professional = models.CharField(_("professional title"), max_length=50)
    title_level = models.CharField(_("title level"), max_length=12, choices=TitleLevel.choices)
    onwork = models.BooleanField(_("in employment"), default=True)
    company = models.CharField(_("employer"), max_length=200)
    company_code = models.CharField(_("employer's credit code"), max_length=18, blank=True, db_index=True)
    post_address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    industry = models.CharField(_("industry"), max_length=3)
    area = models.CharField(_("area"), max_length=9, help_text="9-digit area code (AREA of data set 212); its first 6 digits are the region")
    work_year = models.PositiveSmallIntegerField(_("years of work in the field"))
    phone = models.CharField(_("mobile phone"), max_length=50)
    other_number = models.CharField(_("other contact"), max_length=50, blank=True)
    enter_date = models.DateField(_("date of entry into the pool"))
    base_type = models.CharField(_("pool type"), max_length=1, default="1")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_note = models.CharField(_("status note"), max_length=300, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="expert")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["ref"]
        verbose_name = _("evaluation expert")
        verbose_name_plural = _("evaluation experts")
        permissions = [("manage_pool", "expert pool administrator (sees identity and contact data)")]

    def __str__(self) -> str:  # never the name: str() ends up in logs and admin lists
        return self.ref

    @property
    def region_code(self) -> str:
        return self.area[:6]

    @property
    def main_specialty(self) -> str:
        main = next((s for s in self.specialties.all() if s.is_main), None)
        return main.code if main else ""


class ExpertSpecialty(models.Model):
    """A specialty the expert evaluates in (评标专家专业分类标准); 212 MAJOR_CODE / IS_MAIN."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="specialties")
    code = models.CharField(_("specialty code"), max_length=7, db_index=True)
    is_main = models.BooleanField(_("main specialty"), default=False)

    class Meta:
        ordering = ["-is_main", "code"]
        constraints = [models.UniqueConstraint(fields=["expert", "code"], name="expert_specialty_once")]


class Unavailability(models.Model):
    """A period the expert cannot evaluate (travel, illness, training …)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="unavailable")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]


class Avoidance(models.Model):
    """A declared avoidance case: an entity the expert must never evaluate (条例 46; 12号令 12)."""

    class Kind(models.TextChoices):
        RELATIVE = "relative", _("a close relative works there or runs it")
        INTEREST = "interest", _("economic interest")
        FORMER = "former", _("former employer")
        OTHER = "other", _("other relationship")

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="avoidances")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    entity_code = models.CharField(_("entity's credit code"), max_length=18, blank=True, db_index=True)
    entity_name = models.CharField(_("entity name"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        ordering = ["declared_at"]


class Punishment(models.Model):
    """An administrative or criminal punishment for conduct in tendering: excluded while in effect (E132)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="punishments")
    decided_on = models.DateField(_("decided on"))
    authority = models.CharField(_("authority"), max_length=200)
    description = models.CharField(_("description"), max_length=500)
    effective_until = models.DateField(_("in effect until"), null=True, blank=True, help_text="empty: permanently excluded")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_on"]


class ExpertAccess(models.Model):
    """Every reading of an expert's secret data: who, when, what (the same also goes to the operation log)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="accesses", null=True)
    draw = models.ForeignKey("Draw", on_delete=models.CASCADE, related_name="accesses", null=True)
    at = models.DateTimeField()
    user_id = models.IntegerField(null=True)
    username = models.CharField(max_length=150)
    platform = models.CharField(max_length=18, blank=True)
    ip = models.GenericIPAddressField(null=True)
    what = models.CharField(max_length=100)

    class Meta:
        ordering = ["-at"]


class Draw(models.Model):
    """A draw for one lot: committed (seed hidden, list fixed) → drawn (nonce received) → revealed."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("committed")
        DRAWN = "drawn", _("drawn")
        REVEALED = "revealed", _("revealed")

    id = models.CharField(primary_key=True, max_length=32)
    platform = models.ForeignKey("exchange.Platform", on_delete=models.PROTECT, related_name="+")
    tender_code = models.CharField(max_length=40)
    lot_code = models.CharField(max_length=40)
    unified_deal_code = models.CharField(max_length=40, blank=True)
    tender_name = models.CharField(max_length=300, blank=True)
    lot_name = models.CharField(max_length=500, blank=True)
    region_code = models.CharField(max_length=6, blank=True)
    evaluation_start = models.DateTimeField()
    evaluation_place = models.CharField(max_length=300, blank=True)
    duration_hours = models.PositiveIntegerField()
    counts = models.JSONField()
    avoid = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMMITTED)
    seed = models.CharField(max_length=64)  # hex; secret until revealed
    commitment = models.CharField(max_length=64)
    candidates = models.JSONField()  # {specialty: [pseudonymous ids in canonical order]}
    candidates_digest = models.CharField(max_length=64)
    excluded = models.JSONField(default=dict)  # {reason code: how many pool experts were excluded}
    platform_nonce = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    drawn_at = models.DateTimeField(null=True)
    revealed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.lot_code} {self.id}"


class DrawCandidate(models.Model):
    """Who stands behind a pseudonymous candidate id (never published)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="candidate_rows")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    candidate = models.CharField(max_length=32)
    specialty = models.CharField(max_length=7)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draw", "candidate", "specialty"], name="draw_candidate_once")]


class Member(models.Model):
    """A drawn expert: notified → confirmed | declined; replaced when a replacement was drawn."""

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("notified")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        REPLACED = "replaced", _("replaced")

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    candidate = models.CharField(max_length=32)
    specialty = models.CharField(max_length=7)
    position = models.PositiveIntegerField()  # index in the specialty's draw order
    seq = models.PositiveIntegerField()  # order of selection within the draw (replacements come last)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOTIFIED)
    notified_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True)
    reason = models.CharField(max_length=300, blank=True)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, related_name="replaced_by")
    skipped = models.JSONField(default=list)  # [{"candidate", "reason"}] passed over when this replacement was drawn

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="member_once_per_draw")]


class Performance(models.Model):
    """The tenderer's evaluation of an expert's work on a committee (评标专家考核)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="performance")
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=1000, blank=True)
    recorded_at = models.DateTimeField()
