/** Choose several (people for a team, numbers for an invite) from a list, as a labelled group of checkboxes. */
export function CheckboxList(props: { legend: string; items: { id: string; label: string }[]; selected: string[]; onChange: (ids: string[]) => void; empty?: string }) {
  function toggle(id: string, on: boolean) {
    props.onChange(on ? [...props.selected, id] : props.selected.filter((s) => s !== id));
  }
  return (
    <fieldset class="checkbox-list">
      <legend>{props.legend}</legend>
      {props.items.length === 0 && props.empty && <p class="muted">{props.empty}</p>}
      {props.items.map((item) => (
        <label class="checkbox">
          <input type="checkbox" checked={props.selected.includes(item.id)} onChange={(e) => toggle(item.id, e.currentTarget.checked)} /> {item.label}
        </label>
      ))}
    </fieldset>
  );
}
