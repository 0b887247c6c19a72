/** A layout that does not compile, or a kind × language with no compiled layout. */
export class TemplateCompileError extends Error {
  override readonly name = 'TemplateCompileError';
}
