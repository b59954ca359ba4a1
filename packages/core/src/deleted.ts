/** What every delete of one thing returns, on every surface: the thing's id (a secret's or shared entry's key). */
export interface Deleted {
  deleted: true;
  id: string;
}
