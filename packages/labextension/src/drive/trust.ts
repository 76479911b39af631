// Notebooks from a bucket are untrusted, exactly as Jupyter's server treats a
// notebook it reads from disk without a matching signature: whoever can
// write to a shared bucket must not be able to run JavaScript (and through
// the Jupyter API, kernels) as the person who opens the notebook. JupyterLab
// decides per cell from `metadata.trusted`, which a file can forge; so every
// cell is marked untrusted on read. The user can still trust a notebook they
// have read (the "Trust Notebook" command), for this session.
//
// On save, the transient trust fields are stripped (nbformat's
// strip_transient), so a notebook written here never carries a trust claim
// for the next reader.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every cell of a v4 notebook, or of the worksheets of a v3 one. */
function cellsOf(notebook: Json): Json[] {
  const lists: unknown[] = [notebook.cells];
  if (Array.isArray(notebook.worksheets)) {
    for (const sheet of notebook.worksheets) {
      if (isObject(sheet)) {
        lists.push(sheet.cells);
      }
    }
  }
  return lists.flatMap(list =>
    Array.isArray(list) ? list.filter(isObject) : []
  );
}

function cellMetadata(cell: Json): Json {
  if (!isObject(cell.metadata)) {
    cell.metadata = {};
  }
  return cell.metadata as Json;
}

/** The notebook with every cell untrusted (changed in place and returned). */
export function markUntrusted(notebook: unknown): unknown {
  if (!isObject(notebook)) {
    return notebook;
  }
  for (const cell of cellsOf(notebook)) {
    // All cells, not only code cells: a markdown cell's claim is not worth
    // more than a code cell's.
    cellMetadata(cell).trusted = false;
  }
  return notebook;
}

/** A copy of the notebook without the fields nbformat treats as transient. */
export function stripTransient(notebook: unknown): unknown {
  if (!isObject(notebook)) {
    return notebook;
  }
  const copy = structuredClone(notebook);
  if (isObject(copy.metadata)) {
    delete copy.metadata.signature;
    delete copy.metadata.orig_nbformat;
  }
  for (const cell of cellsOf(copy)) {
    if (isObject(cell.metadata)) {
      delete cell.metadata.trusted;
    }
  }
  return copy;
}
