"""Projects, tender projects, lots and what is published about them.

Field names follow the national data sets 500–504 (see
docs/data-mapping.md); the exchange serialisers map them one to one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.trading.accounts.models import Entity


class Project(models.Model):
    """项目 — national data set 500."""

    code = models.CharField(_("project code"), max_length=17, unique=True)  # PROJECT_CODE
    name = models.CharField(_("project name"), max_length=600)  # PROJECT_NAME
    region_code = models.CharField(_("region"), max_length=6)  # REGION_CODE
    relate_code = models.CharField(_("project category link"), max_length=1, default="1")  # RELATE_CODE
    invest_project_code = models.CharField(_("investment project code"), max_length=24, blank=True)  # INVEST_PROJECT_CODE
    address = models.CharField(_("project address"), max_length=200)  # ADDRESS
    legal_person = models.CharField(_("project legal person"), max_length=200)  # LEGAL_PERSON
    industry = models.CharField(_("industry"), max_length=3)  # INDUSTRIES_TYPE
    fund_source = models.CharField(_("fund source"), max_length=1000)  # FUND_SOURCE
    contribution_scale = models.CharField(_("contribution shares"), max_length=1000, blank=True)  # CONTRIBUTION_SCALE
    project_scale = models.CharField(_("project scale"), max_length=1000)  # PROJECT_SCALE
    contact_name = models.CharField(_("contact person"), max_length=100)  # CONTACTOR
    contact_info = models.CharField(_("contact information"), max_length=100)  # CONTACT_INFORMATION
    approval_name = models.CharField(_("approval document"), max_length=500)  # APPROVAL_NAME
    approval_number = models.CharField(_("approval number"), max_length=100, blank=True)  # APPROVAL_NUMBER
    approval_authority = models.CharField(_("approval authority"), max_length=200, blank=True)  # APPROVAL_AUTHORITY
    owner = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="projects")
    created_at = models.DateTimeField(_("created at"))  # CREATE_TIME

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TenderStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    TENDERING = "tendering", _("accepting bids")
    OPENING = "opening", _("bid opening")
    OPENED = "opened", _("opened")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class Tender(models.Model):
    """招标项目 — national data set 501, with the periods of its announcement (503)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tenders")
    code = models.CharField(_("tender project code"), max_length=20, unique=True)  # TENDER_PROJECT_CODE
    self_code = models.CharField(_("tenderer's own reference"), max_length=200, blank=True)  # TENDER_SELF_CODE
    name = models.CharField(_("tender project name"), max_length=600)  # TENDER_PROJECT_NAME
    tender_type = models.CharField(_("tender project type"), max_length=3)  # TENDER_PROJECT_TYPE
    region_code = models.CharField(_("region"), max_length=6)  # REGION_CODE
    content = models.TextField(_("scope and tender plan"))  # TENDER_CONTENT
    is_to_law = models.BooleanField(_("must be tendered by law"), default=True)  # IS_TO_LAW
    state_funded = models.BooleanField(_("state-owned funds"), default=True)
    tenderer = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="tenders_as_tenderer")  # TENDERER_*
    agency = models.ForeignKey(Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="tenders_as_agency")  # TENDER_AGENCY_*
    procedure = models.CharField(_("procedure"), max_length=30, default="open")  # plugin key; TENDER_MODE via plugin
    organize_form = models.CharField(_("organisation form"), max_length=1, default="1")  # TENDER_ORGANIZE_FORM
    supervise_dept_name = models.CharField(_("supervising department"), max_length=200)  # SUPERVISE_DEPT_NAME
    supervise_dept_code = models.CharField(_("supervising department code"), max_length=18, blank=True)
    approve_dept_name = models.CharField(_("approving department"), max_length=200)  # APPROVE_DEPT_NAME
    approve_dept_code = models.CharField(_("approving department code"), max_length=18, blank=True)
    report_duty = models.CharField(_("person responsible for reporting"), max_length=100)  # REPORT_DUTY

    # Announcement (503) periods.
    doc_get_start = models.DateTimeField(_("documents available from"), null=True, blank=True)  # DOC_GET_START_TIME
    doc_get_end = models.DateTimeField(_("documents available until"), null=True, blank=True)  # DOC_GET_END_TIME
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True)  # BID_DOC_REFER_END_TIME
    bid_open_time = models.DateTimeField(_("bid opening time"), null=True, blank=True)  # BID_OPEN_TIME
    bid_validity_days = models.PositiveIntegerField(_("bid validity (days)"), null=True, blank=True)
    decrypt_minutes = models.PositiveIntegerField(_("online decryption window (minutes)"), default=60)
    consortium_allowed = models.BooleanField(_("consortium bids allowed"), default=False)  # SYNDICATED_FLAG
    doc_get_method = models.CharField(_("how to obtain the documents"), max_length=500, blank=True)  # TENDER_DOC_GET_METHOD
    bid_submit_method = models.CharField(_("how to submit bids"), max_length=500, blank=True)  # BID_DOC_REFER_METHOD
    evaluation_method = models.CharField(_("evaluation method"), max_length=200, blank=True)  # QUAL_TYPE

    suite = models.CharField(_("cipher suite"), max_length=8, default="intl", help_text=_("intl: X25519/Ed25519/AES-GCM; gm: SM2/SM3/SM4-GCM"))
    threshold = models.PositiveSmallIntegerField(_("custodians needed to open"), default=2)

    status = models.CharField(_("status"), max_length=12, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    unified_deal_serial = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))  # CREATE_TIME
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    next_check = models.DateTimeField(null=True, blank=True, db_index=True)
    retender_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="retenders")
    #: Set while a supervisory instruction (电子办法 52) suspends the tender: no further step is accepted (E050).
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_ref = models.CharField(_("suspending instruction"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("tender project")
        verbose_name_plural = _("tender projects")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LotStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    TENDERING = "tendering", _("accepting bids")
    OPENING = "opening", _("bid opening")
    OPENED = "opened", _("opened")
    FAILED = "failed", _("failed (fewer than 3 bids)")
    CANCELLED = "cancelled", _("cancelled")


class Lot(models.Model):
    """标段（包） — national data set 502."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("lot number"))
    code = models.CharField(_("lot code"), max_length=23, unique=True)  # BID_SECTION_CODE
    name = models.CharField(_("lot name"), max_length=500)  # BID_SECTION_NAME
    tender_count = models.PositiveSmallIntegerField(_("times tendered"), default=1)  # BID_ECTION_NUM
    unified_deal_code = models.CharField(_("unified deal code"), max_length=40, unique=True)  # UNIFIED_DEAL_CODE
    region_code = models.CharField(_("region"), max_length=6)  # REGION_CODE
    trade_place_code = models.CharField(_("trading place"), max_length=6)  # TRA_PLACE_CODE
    content = models.TextField(_("lot content"))  # BID_SECTION_CONTENT
    classification = models.CharField(_("classification"), max_length=30)  # TENDER_PROJECT_CLASSIFY_CODE
    estimated_price = models.DecimalField(_("estimated contract price"), max_digits=18, decimal_places=2)  # CONTRACT_RECKON_PRICE
    currency = models.CharField(_("currency"), max_length=3, default="CNY")  # CURRENCY_CODE
    price_unit = models.CharField(_("price unit"), max_length=1, default="0")  # PRICE_UNIT (0 = 元)
    qualification = models.TextField(_("bidder qualification requirements"))  # BID_QUALIFICATION
    begin_date = models.DateField(_("planned start"), null=True, blank=True)  # BEGIN_DATE
    duration_days = models.PositiveIntegerField(_("duration (days)"), null=True, blank=True)  # LIMITE_TIME
    bid_security = models.DecimalField(_("bid security"), max_digits=18, decimal_places=2, default=0)
    max_price = models.DecimalField(_("maximum bid price"), max_digits=18, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.DRAFT)
    opening_started_at = models.DateTimeField(null=True, blank=True)
    opening_ends_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Announcement(models.Model):
    """招标公告 — national data set 503 (the periods live on the tender)."""

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="announcement")
    title = models.CharField(_("announcement title"), max_length=600)  # NOTICE_NAME
    content = models.TextField(_("announcement text"))  # NOTICE_CONTENT
    media = models.CharField(_("publishing media"), max_length=1000, default="")  # NOTICE_MEDIA
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)  # NOTICE_SEND_TIME
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("tender announcement")
        verbose_name_plural = _("tender announcements")

    def __str__(self) -> str:
        return self.title


class Clarification(models.Model):
    """招标文件澄清与修改 — national data set 504."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=600)
    content = models.TextField(_("content"))
    affects_preparation = models.BooleanField(_("may affect bid preparation"), default=True)
    published_at = models.DateTimeField(_("published at"))
    old_deadline = models.DateTimeField(_("previous deadline"))
    new_deadline = models.DateTimeField(_("deadline after this clarification"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("clarification or amendment")
        verbose_name_plural = _("clarifications and amendments")
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="clarification_number_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def extended(self) -> bool:
        return self.new_deadline != self.old_deadline


class TenderDocument(models.Model):
    """A file of the tender documents or of a clarification; its hash is recorded on upload."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    clarification = models.ForeignKey(Clarification, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="tender-documents/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class DocumentDownload(models.Model):
    """Who obtained the documents; confidential until the deadline (E117)."""

    document = models.ForeignKey(TenderDocument, on_delete=models.CASCADE, related_name="downloads")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="downloads")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["downloaded_at"]


class Objection(models.Model):
    """异议 to the tender documents (条例 22): pauses the tendering until answered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        ANSWERED = "answered", _("answered")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="objections")
    content = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised at"))
    deadline_at_raise = models.DateTimeField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["raised_at"]

    def __str__(self) -> str:
        return f"{self.tender.code} {self.raised_at:%Y-%m-%d}"


class Notification(models.Model):
    """A message in an entity's inbox on the platform."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="notifications")
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Counter(models.Model):
    """Serial numbers for national codes, incremented under a row lock."""

    name = models.CharField(max_length=60, unique=True)
    value = models.PositiveIntegerField(default=0)


class Custodian(models.Model):
    """An opening custodian of a tender (double envelope, docs/envelope-v2.md).

    Each custodian makes a per-tender key pair on its own side and registers
    the public half before publication; after the deadline it decrypts its
    shares locally and releases them; after the opening it publishes the
    private key so that anyone can re-check every decryption.
    """

    class Role(models.TextChoices):
        TENDERER = "tenderer", _("tenderer's opening officer")
        OPERATOR = "operator", _("platform operator")
        INDEPENDENT = "independent", _("independent party (trading centre or notary)")
        SUPERVISION = "supervision", _("supervising authority")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="custodians")
    index = models.PositiveSmallIntegerField(_("position"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="custodianships")
    public_key = models.CharField(max_length=200, blank=True)
    key_id = models.CharField(_("key id"), max_length=64, blank=True)
    key_registered_at = models.DateTimeField(null=True, blank=True)
    private_key = models.CharField(max_length=200, blank=True, help_text="published after the opening, for re-checking")
    private_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "index"]
        verbose_name = _("opening custodian")
        verbose_name_plural = _("opening custodians")
        constraints = [models.UniqueConstraint(fields=["tender", "index"], name="custodian_index_unique")]

    def __str__(self) -> str:
        return f"{self.index} {self.name}"
