// TypeDoc plugin for the mathlens API reference (typedoc.json → "plugin"). It keeps the reference
// to what a user calls, without touching the sources:
//  - names the two entry points by their import specifiers: `mathlens` and `mathlens/widgets`;
//  - drops the internal factories that are exported only for the package's own entries
//    (`createApi(raw)`, `create<Module>(raw, heap)`: any function taking the raw wasm module or the Heap);
//  - drops the custom-element lifecycle callbacks that the browser calls (connectedCallback, …);
//  - gives a setter without its own comment the getter's (TS style documents an accessor once).
// Runs before validation, so these do not count as undocumented exports either.
import { Converter, ReflectionKind } from 'typedoc';

const MODULE_NAMES = { index: 'mathlens', widgets: 'mathlens/widgets' };
const INTERNAL_PARAMETER_TYPES = new Set(['RawModuleBase', 'Heap']);
const LIFECYCLE = new Set(['connectedCallback', 'disconnectedCallback', 'adoptedCallback', 'attributeChangedCallback']);

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const m of project.getReflectionsByKind(ReflectionKind.Module))
      if (MODULE_NAMES[m.name]) m.name = MODULE_NAMES[m.name];

    const drop = [];
    for (const fn of project.getReflectionsByKind(ReflectionKind.Function)) {
      const internal = fn.signatures?.some((s) =>
        s.parameters?.some((p) => p.type?.type === 'reference' && INTERNAL_PARAMETER_TYPES.has(p.type.name)),
      );
      if (internal) drop.push(fn);
    }
    for (const method of project.getReflectionsByKind(ReflectionKind.Method))
      if (LIFECYCLE.has(method.name)) drop.push(method);
    for (const r of drop) project.removeReflection(r);

    for (const accessor of project.getReflectionsByKind(ReflectionKind.Accessor)) {
      const { getSignature: get, setSignature: set } = accessor;
      if (get?.comment && set && !set.comment) set.comment = get.comment.clone();
    }
    if (drop.length)
      app.logger.verbose(`mathlens plugin: hid ${drop.map((r) => r.getFullName()).join(', ')}`);
  });
}
