/** Catalog rules: upsert, import, search. */
export class CourseService {}
