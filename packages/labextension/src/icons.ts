// The panel's own icons (a bucket, a Zarr store), themed like JupyterLab's icons.
import { LabIcon } from '@jupyterlab/ui-components';

import bucketSvg from '../style/icons/bucket.svg';
import zarrSvg from '../style/icons/zarr.svg';

export const bucketIcon = new LabIcon({
  name: 'jupyter-buckets:bucket',
  svgstr: bucketSvg
});

/** A Zarr store: a folder of chunks that is one dataset. */
export const zarrIcon = new LabIcon({
  name: 'jupyter-buckets:zarr',
  svgstr: zarrSvg
});
