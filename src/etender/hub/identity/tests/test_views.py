"""The registry pages: one registration form, sign-in, "my entity"; coded errors next to the fields, both languages."""

from __future__ import annotations

import pytest
from django.test import Client

from etender.hub.identity import services
from etender.hub.identity.models import EntityUser, MarketEntity

from .conftest import PASSWORD, admin_actor, registration

pytestmark = pytest.mark.django_db


def form_data(**over) -> dict:
    data = registration(7)
    data["password2"] = data["password"]
    data.update(over)
    return data


def test_registration_page_signs_the_new_user_in(db):
    c = Client()
    assert c.get("/identity/register/").status_code == 200
    r = c.post("/identity/register/", form_data())
    assert r.status_code == 302 and r["Location"] == "/identity/entity/"
    page = c.get("/identity/entity/").content.decode()
    assert "浙江测试建设有限公司7" in page and "待核验" in page
    assert EntityUser.objects.get(user__username="user7").role == "admin"


def test_registration_errors_are_coded_next_to_the_fields(db):
    r = Client().post("/identity/register/", form_data(credit_code="91330106MA2000001X", password2="different", roles=[]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "E001 两次输入的密码不一致" in html  # the form's own check
    assert "E001 必须填写" in html  # roles
    r = Client(HTTP_ACCEPT_LANGUAGE="en").post("/identity/register/", form_data(credit_code="91330106MA2000001X"))
    html = r.content.decode()
    assert "E002 Invalid unified social credit code" in html
    assert not MarketEntity.objects.exists()


def test_register_then_continue_to_the_platform(db):
    r = Client().post("/identity/register/?next=/o/authorize/%3Fclient_id%3Dx", {**form_data(), "next": "/o/authorize/?client_id=x"})
    assert r.status_code == 302 and r["Location"] == "/o/authorize/?client_id=x"
    r = Client().post("/identity/register/", {**form_data(username="other7", credit_code=registration(8)["credit_code"]), "next": "https://evil.example/"})
    assert r["Location"] == "/identity/entity/"


def test_sign_in_page_links_to_registration(db):
    html = Client().get("/identity/login/?next=/o/authorize/").content.decode()
    assert 'id="register-link"' in html and "next=/o/authorize/" in html


def test_my_entity_forms_show_coded_errors_and_save(registered):
    entity, user = registered
    c = Client()
    c.login(username=user.username, password=PASSWORD)
    r = c.post("/identity/entity/", {"form": "certificate", "certificate-ca_name": "CFCA", "certificate-algorithm": "SM2", "certificate-key_text": "not a key", "certificate-valid_until": "2030-01-01T00:00"})
    assert r.status_code == 200 and "E028 数字证书或公钥无效" in r.content.decode()
    r = c.post("/identity/entity/", {"form": "qualification", "qualification-name": "建筑工程施工总承包", "qualification-number": "D2330001", "qualification-issuer": "浙江省住房和城乡建设厅", "qualification-valid_until": "2031-02-30"})
    assert "E009" in r.content.decode()
    r = c.post("/identity/entity/", {"form": "qualification", "qualification-name": "建筑工程施工总承包", "qualification-number": "D2330001", "qualification-issuer": "浙江省住房和城乡建设厅", "qualification-valid_until": "2031-02-28"})
    assert r.status_code == 302
    assert entity.qualifications.get().number == "D2330001"
    q = entity.qualifications.get()
    r = c.post(f"/identity/entity/qualification/{q.pk}/remove/")
    assert r.status_code == 302 and not entity.qualifications.exists()
    r = c.post("/identity/entity/", {"form": "user", "user-full_name": "赵六", "user-username": "zhaoliu", "user-role": "staff", "user-password": PASSWORD})
    assert r.status_code == 302 and EntityUser.objects.get(user__username="zhaoliu").entity == entity


def test_staff_members_see_but_do_not_edit(registered):
    entity, user = registered
    services.entity_user_add(actor=admin_actor(user, entity), entity=entity, username="staff1", password=PASSWORD, full_name="赵六")
    c = Client()
    c.login(username="staff1", password=PASSWORD)
    html = c.get("/identity/entity/").content.decode()
    assert entity.name in html and 'value="certificate"' not in html
    r = c.post("/identity/entity/", {"form": "contact", "contact-name": "x", "contact-phone": "13800000000"})
    assert "E006" in r.content.decode()
    r = c.post(f"/identity/entity/contact/{entity.contacts.get().pk}/remove/")
    assert r.status_code == 403 and "E006" in r.content.decode()


@pytest.mark.parametrize("lang,word", [("zh-hans", "免费注册"), ("en", "Free registration")])
def test_pages_in_both_languages(db, lang, word):
    html = Client(HTTP_ACCEPT_LANGUAGE=lang).get("/identity/register/").content.decode()
    assert word in html and f'lang="{lang}"' in html
