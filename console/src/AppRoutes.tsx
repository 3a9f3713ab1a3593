import { Navigate, Route, Routes } from 'react-router';
import { AudienceEditorPage } from './pages/audience-editor/AudienceEditorPage';
import { AudiencesPage } from './pages/audiences/AudiencesPage';
import { AuditLogPage } from './pages/audit/AuditLogPage';
import { ConnectorDetailPage } from './pages/connector-detail/ConnectorDetailPage';
import { EditConnectorPage } from './pages/connector-form/EditConnectorPage';
import { NewConnectorPage } from './pages/connector-form/NewConnectorPage';
import { CatalogPage } from './pages/catalog/CatalogPage';
import { ConnectorsPage } from './pages/connectors/ConnectorsPage';
import { JourneyEditorPage } from './pages/journey-editor/JourneyEditorPage';
import { JourneysPage } from './pages/journeys/JourneysPage';
import { NotFoundPage } from './pages/not-found/NotFoundPage';

/** Maps the console's paths to pages; Server to Server Connectors is the start page. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/connectors" replace />} />
      <Route path="/connectors" element={<ConnectorsPage />} />
      <Route path="/connectors/new" element={<CatalogPage />} />
      <Route path="/connectors/new/:typeId" element={<NewConnectorPage />} />
      <Route path="/connectors/:id" element={<ConnectorDetailPage />} />
      <Route path="/connectors/:id/edit" element={<EditConnectorPage />} />
      <Route path="/audiences" element={<AudiencesPage />} />
      <Route path="/audiences/new" element={<AudienceEditorPage />} />
      <Route path="/audiences/:id" element={<AudienceEditorPage />} />
      <Route path="/journeys" element={<JourneysPage />} />
      <Route path="/journeys/new" element={<JourneyEditorPage />} />
      <Route path="/journeys/:id" element={<JourneyEditorPage />} />
      <Route path="/audit" element={<AuditLogPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
