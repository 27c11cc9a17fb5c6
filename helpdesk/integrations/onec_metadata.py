"""Reading 1C's `$metadata` (EDMX, OData v3): which entity sets exist and what fields each type has.

1C names an accumulation register's records type `AccumulationRegister_<Name>_RecordType`: its
dimensions appear as `<Dimension>_Key` (a reference) and its resources as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree

from helpdesk.integrations.onec_errors import OneCError

NUMBER_TYPES = {"Edm.Double", "Edm.Decimal", "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Single"}


@dataclass
class Metadata:
    entity_sets: set[str] = field(default_factory=set)
    types: dict[str, dict[str, str]] = field(default_factory=dict)  # type name -> property -> Edm type

    def registers(self) -> list[str]:
        """Accumulation registers published over OData, by name."""
        prefix = "AccumulationRegister_"
        return sorted(name[len(prefix):] for name in self.entity_sets
                      if name.startswith(prefix) and "_" not in name[len(prefix):])

    def register_fields(self, register: str) -> tuple[list[str], list[str]] | None:
        """(dimensions, numeric resources) of a register, or None when 1C does not publish it."""
        props = self.types.get(f"AccumulationRegister_{register}_RecordType")
        if props is None or f"AccumulationRegister_{register}" not in self.entity_sets:
            return None
        dimensions = [name[:-4] for name in props if name.endswith("_Key") and name != "Recorder_Key"]
        resources = [name for name, kind in props.items() if kind in NUMBER_TYPES and name != "LineNumber"]
        return dimensions, resources


def parse(xml: bytes) -> Metadata:
    """Entity sets and types of an EDMX document, namespaces ignored (1C's differ between versions)."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise OneCError("answer", detail=f"$metadata: {exc}") from None
    found = Metadata()
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "EntitySet":
            found.entity_sets.add(element.get("Name", ""))
        elif tag == "EntityType":
            found.types[element.get("Name", "")] = {
                prop.get("Name", ""): prop.get("Type", "") for prop in element
                if prop.tag.rsplit("}", 1)[-1] == "Property"}
    if not found.entity_sets:
        raise OneCError("answer", detail="$metadata lists no entity sets")
    return found
