"""The directory: places, institutions, their departments and their people."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medbridge.pii import EncryptedCharField, mask_id_number, mask_phone


class Region(models.Model):
    """An administrative division of the PRC (province, prefecture or county) with
    its GB/T 2260 code. The code's prefix encodes the hierarchy, which is what
    region-scoped access uses: everything under 山西省 has a code starting "14"."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡级")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.full_name

    @property
    def scope_prefix(self) -> str:
        """The code prefix shared by this region and everything inside it."""
        if self.level == self.Level.PROVINCE:
            return self.code[:2]
        if self.level == self.Level.PREFECTURE:
            return self.code[:4]
        return self.code

    @property
    def full_name(self) -> str:
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed([n for n in names if n != "市辖区"]))


class Specialty(models.Model):
    """An entry of the national diagnosis-and-treatment subject catalogue
    (医疗机构诊疗科目名录), e.g. 03.01 呼吸内科专业 under 03 内科."""

    code = models.CharField(_("科目代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("诊疗科目")
        verbose_name_plural = _("诊疗科目")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InstitutionCategory(models.Model):
    """A kind of organisation from WS 218 (综合医院, 中医医院, 乡镇卫生院 …), plus
    MedBridge's own codes for commissions, associations and universities."""

    code = models.CharField(_("分类代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("机构类别")
        verbose_name_plural = _("机构类别")

    def __str__(self) -> str:
        return self.name


class HospitalGrade(models.Model):
    """A hospital accreditation grade (三级甲等 … 一级丙等, 未定级); ``rank`` orders
    them so a referral's direction can be computed from two grades."""

    code = models.CharField(_("等级代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    rank = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["-rank", "code"]
        verbose_name = _("医院等级")
        verbose_name_plural = _("医院等级")

    def __str__(self) -> str:
        return self.name


class ProfessionalTitle(models.Model):
    """A professional technical title from GB/T 8561 (231 主任医师, 253 主管护师 …)."""

    code = models.CharField(_("职称代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    profession = models.CharField(_("专业类别"), max_length=16)
    level = models.CharField(_("级别"), max_length=16)

    class Meta:
        ordering = ["code"]
        verbose_name = _("职称")
        verbose_name_plural = _("职称")

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A health organisation: a hospital, township centre, CDC, a health commission
    or a medical association. Its region decides which commission officers see it;
    ``parent`` records membership of a group (医疗集团) or a branch campus."""

    name = models.CharField(_("机构名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    category = models.ForeignKey(InstitutionCategory, models.PROTECT, verbose_name=_("机构类别"))
    grade = models.ForeignKey(HospitalGrade, models.PROTECT, null=True, blank=True, verbose_name=_("医院等级"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("所在地区"), related_name="institutions")
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("上级/所属集团")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [models.UniqueConstraint(Lower("name"), name="institution_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:institution_detail", args=[self.pk])


class Department(models.Model):
    """A department (科室) of an institution, typed by a catalogue specialty."""

    institution = models.ForeignKey(Institution, models.CASCADE, related_name="departments", verbose_name=_("机构"))
    name = models.CharField(_("科室名称"), max_length=64)
    specialty = models.ForeignKey(Specialty, models.PROTECT, null=True, blank=True, verbose_name=_("诊疗科目"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="department_name_unique_in_institution")
        ]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.name}"


class Sex(models.TextChoices):
    """GB/T 2261.1-2003 codes."""

    UNKNOWN = "0", _("未知的性别")
    MALE = "1", _("男")
    FEMALE = "2", _("女")
    UNSTATED = "9", _("未说明的性别")


class Profession(models.TextChoices):
    PHYSICIAN = "physician", _("医师")
    NURSE = "nurse", _("护理")
    PHARMACIST = "pharmacist", _("药学")
    TECHNICIAN = "technician", _("医技")
    MANAGER = "manager", _("管理")
    OTHER = "other", _("其他")


class Professional(models.Model):
    """A health professional (卫生专业技术人员): where they work now, their title and
    specialty, and where they were born (籍贯) — the last is what lets a city find
    its hometown talent working elsewhere. The phone is encrypted at rest; the
    identity-card number is kept only as a keyed hash and its last four characters."""

    name = models.CharField(_("姓名"), max_length=40)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, default=Sex.UNSTATED)
    title = models.ForeignKey(ProfessionalTitle, models.PROTECT, null=True, blank=True, verbose_name=_("职称"))
    profession = models.CharField(
        _("专业类别"), max_length=16, choices=Profession.choices, default=Profession.PHYSICIAN
    )
    specialty = models.ForeignKey(Specialty, models.PROTECT, null=True, blank=True, verbose_name=_("专业"))
    institution = models.ForeignKey(
        Institution, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("工作单位")
    )
    department = models.ForeignKey(
        Department, models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name=_("科室")
    )
    home_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="natives", verbose_name=_("籍贯")
    )
    license_no = models.CharField(_("执业证书编码"), max_length=32, blank=True)
    phone = EncryptedCharField(_("手机号码"), max_length=255, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_last4 = models.CharField(_("身份证号后四位"), max_length=4, blank=True, editable=False)
    introduction = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("卫生专业技术人员")
        verbose_name_plural = _("卫生专业技术人员")
        constraints = [
            models.UniqueConstraint(
                fields=["license_no"], condition=~models.Q(license_no=""), name="professional_license_unique"
            ),
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="professional_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:professional_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number_last4)
