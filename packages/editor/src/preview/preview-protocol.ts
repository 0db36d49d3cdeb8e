import type { MappingBindings } from '@splice/runtime/mapping/index';

/** Messages between the editor and the mapping-preview worker. */
export interface PreviewRequest {
  id: number;
  /** A `with` tree (strings starting with `=` are JSONata), or one expression when `expression` is set. */
  template?: unknown;
  expression?: string;
  input: unknown;
  bindings: MappingBindings;
  /**
   * `items` expressions of the foreach steps around the step, outermost first: the preview binds `$item`
   * to the first item of each (and `$index` to 0), as the first iteration of a run would.
   */
  foreachItems?: string[];
}

export interface PreviewFieldError {
  /** Path inside the template, e.g. ['body', 'tagIds']; empty for a single expression. */
  path: (string | number)[];
  code: string;
  message: string;
  /** Character offset inside the expression, when the error has one. */
  offset?: number;
}

/** `item`: the `$item` the preview used (inside foreach), for the mapping editor's source fields. */
export type PreviewResponse =
  | { id: number; ok: true; value: unknown; errors: PreviewFieldError[]; item?: unknown }
  | { id: number; ok: false; errors: PreviewFieldError[]; item?: unknown };
