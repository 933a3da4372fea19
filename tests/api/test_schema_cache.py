"""/api/schema/ is generated once per process and language, then served from memory."""

from drf_spectacular.generators import SchemaGenerator


def test_the_second_request_does_not_regenerate_the_schema(db, client, monkeypatch):
    # Given a count of schema generations
    generated = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        generated.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    # When the schema is fetched twice as JSON, once in English and once with an unknown language
    first = client.get("/api/schema/?format=json")
    second = client.get("/api/schema/?format=json")
    english = client.get("/api/schema/?format=json&lang=en")
    unknown = client.get("/api/schema/?format=json&lang=xx")
    # Then it was generated once per language, and the answers are the same bytes
    assert [r.status_code for r in (first, second, english, unknown)] == [200, 200, 200, 200]
    assert len(generated) == 2
    assert first.content == second.content == unknown.content
    assert first["Content-Type"] == "application/vnd.oai.openapi+json"
    assert first.json()["openapi"].startswith("3.")
