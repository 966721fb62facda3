"""The material type registry is the one declaration the library, search and API read."""

from django.apps import apps

from materials.models import MATERIAL_TYPES, MaterialIndexPage, MaterialPage


def test_every_material_page_type_is_declared_once():
    page_types = [
        model
        for model in apps.get_app_config("materials").get_models()
        if issubclass(model, MaterialPage)
    ]
    assert sorted(m.__name__ for m in MATERIAL_TYPES.models) == sorted(
        m.__name__ for m in page_types
    )
    assert len(MATERIAL_TYPES.by_key) == len(MATERIAL_TYPES.types)


def test_the_library_holds_exactly_the_library_types():
    library = {f"materials.{item.model.__name__}" for item in MATERIAL_TYPES.library}
    assert set(MaterialIndexPage.subpage_types) == library


def test_card_image_fields_exist(db):
    for item in MATERIAL_TYPES:
        if item.image_field:
            assert item.model._meta.get_field(item.image_field).is_relation
