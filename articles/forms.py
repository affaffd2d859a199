"""Form fields for the admin: what an editor types, not the JSON it is stored as."""

from django import forms


class LineListField(forms.Field):
    """A list of strings edited as one item per line in a textarea.

    Lines are stripped; blank lines and repeats are dropped; the order typed
    is kept. The stored list renders back one item per line.
    """

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def __init__(self, *, item_max_length=None, **kwargs):
        self.item_max_length = item_max_length
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return []
        lines = [str(item) for item in value] if isinstance(value, list | tuple) else str(value).splitlines()
        items = []
        for line in lines:
            item = line.strip()
            if item and item not in items:
                items.append(item)
        return items

    def validate(self, value):
        super().validate(value)
        if self.item_max_length is None:
            return
        too_long = [item for item in value if len(item) > self.item_max_length]
        if too_long:
            raise forms.ValidationError(
                f"Each line may have at most {self.item_max_length} characters; "
                f"{too_long[0][:40]!r}… has {len(too_long[0])}.",
                code="item_max_length",
            )

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return self.to_python(initial) != self.to_python(data)
