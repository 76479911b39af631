// The panel's own icon (a bucket), themed like JupyterLab's icons.
import { LabIcon } from '@jupyterlab/ui-components';

import bucketSvg from '../style/icons/bucket.svg';

export const bucketIcon = new LabIcon({
  name: 'jupyter-buckets:bucket',
  svgstr: bucketSvg
});
